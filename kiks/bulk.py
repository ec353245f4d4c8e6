"""Moved to common.bulk."""

# transitional: judging still imports this; the lead removes it
from common.bulk import bulk_update_rows, update_rows

__all__ = ["bulk_update_rows", "update_rows"]
