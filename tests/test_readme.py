"""The README's test command is the one CI runs, so the README stays true."""

from scimcert import paths

ROOT = paths.root()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = ci[ci.index("# README test command:") + 1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert command in readme, f"README does not contain CI's test command: {command}"
