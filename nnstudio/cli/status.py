"""Exit statuses of the nnstudio command."""

EXIT_OK = 0
#: An architecture is invalid, or training could not run or failed.
EXIT_INVALID = 1
#: A file or dataset cannot be read.
EXIT_UNREADABLE = 2
EXIT_INTERNAL = 3
