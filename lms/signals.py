"""Platform events feature packages react to, inside the same transaction.

The core never imports the feature packages: they connect here (in their init_app). Receivers
flush, never commit, so what they write commits or rolls back with the change that caused it.
"""

from blinker import Namespace

_signals = Namespace()

# Officers were created, moved to another unit or position, given or refused the officer role,
# or (de)activated. Sent with `user_ids`: a list of the ids whose placement may have changed.
user_placed_changed = _signals.signal("user-placed-changed")


def announce_placement_changes(user_ids: list[int]) -> None:
    """Tell the features that these users' placement may have changed (after a flush)."""
    if user_ids:
        user_placed_changed.send(None, user_ids=list(user_ids))
