"""The scimcert pytest plugin, one module per concern:

- `options`: the options, the resolved target, the report header, the probe of a URL target;
- `selection`: requirement markers checked at collection, `--scim-requirement`, read-only skips;
- `fixtures`: the clients, the factory, discovery (`spc`, `registry`), cleanup;
- `recording`: each test's exchanges, the bodies they carry;
- `behaviours`: allure results under the catalogue (epic, feature, story, severity, links,
  the requirement's sentence, attached exchanges, stable history ids);
- `verdicts`: a test's typed verdict from how it ended: grade, root causes, blocked tests;
- `summary`: the results of every test, the terminal summary and the conformance report.
"""

pytest_plugins = [
    "scimcert.harness.plugin.options",
    "scimcert.harness.plugin.selection",
    "scimcert.harness.plugin.fixtures",
    "scimcert.harness.plugin.recording",
    "scimcert.harness.plugin.behaviours",
    "scimcert.harness.plugin.verdicts",
    "scimcert.harness.plugin.summary",
]
