"""The unit lane keeps its promise: a test there that opens a socket or sleeps fails, saying where to go."""

from pathlib import Path

UNIT_CONFTEST = Path(__file__).parents[1] / "unit" / "conftest.py"


def test_the_unit_lane_refuses_sockets_and_sleeps(pytester):
    pytester.makeconftest(UNIT_CONFTEST.read_text())
    pytester.makepyfile(
        """
        import socket
        import time

        def test_sleeps():
            time.sleep(0.01)

        def test_connects():
            socket.create_connection(("127.0.0.1", 9), timeout=1)

        def test_listens():
            socket.socket().bind(("127.0.0.1", 0))

        def test_waits_for_nothing():
            time.sleep(0)
            assert True
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:xdist", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        ["*a unit test may not sleep: use a fake clock*", "*a unit test may not open a socket*"]
    )
