"""control: a decent foreign bridge with no designed deviation (the yardstick for the others).

Modelled on a typical small in-house bridge in front of a SaaS user directory: users with the
core attributes most products keep (no ims/photos/entitlements/roles/x509Certificates), the
enterprise extension, groups with members; PATCH and filtering advertised; sort, ETags, bulk
and changePassword not offered (all optional, RFC 7643 §5). Every failure against it is either a
suite problem or a bug in tests/foreign/_bridge.py, which then gets fixed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory


class Control(Bridge):
    pass


factory = make_factory(Control)
