"""``python -m cxradar`` is the same as the ``cxradar`` command."""

from cxradar.cli import main

if __name__ == "__main__":
    main()
