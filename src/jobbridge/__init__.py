"""JobBridge (就业桥): the domain of a county public employment service centre's matching platform."""

__version__ = "0.1.0"
