"""Property-based and stateful testing of any target with the pure SCIM core as the model.

- `profiles`: how many examples and steps each profile runs (`ci`, `dev`, `thorough`);
- `text`, `strategies`: hypothesis strategies generated from the target's own schemas;
- `likeness`: two representations compared as RFC 7643/7644 let a provider differ;
- `model`: what the strict RFC core says a sequence of writes leaves on the target;
- `malformed`: the bad requests the robustness property sends;
- `runner`: runs a property or a state machine, seeded from the run, and turns a failure into
  its shrunk request sequence with the seed that replays it.
"""
