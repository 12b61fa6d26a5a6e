"""Other libraries' public namespaces over neuroplug's own code.

``import neuroplug.compat.neurogym as ngym`` runs a NeuroGym 2.3.1 program unchanged; see
``docs/migrating-from-neurogym.md``.
"""
