import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (Unicode tables, constants) besides its example
# database (off: settings(database=None)); they go to the temporary directory,
# never into the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "portal-hypothesis")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Each test makes its personas anew; a fast hasher keeps that cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
