"""Who may use the web interface: accounts tied to an organisation and the roles it may take.

An account is a person of one organisation (an insurer, a care provider, the NZa, the BO IZA) with
the roles that organisation takes in the framework; every request it makes acts as
``Actor(name, organisation, role)`` in the store's events, the role chosen per action among its
own. The embedded default signs in with a local password (argon2id); an account also names the
identity provider that vouches for it (``issuer``, ``subject``), so that a deployment can add OpenID
Connect sign-in without changing who an account is.
"""

from .registry import LOCAL, UNTIED, Account, Accounts, Named, named_organisations, visible_to

__all__ = ["LOCAL", "UNTIED", "Account", "Accounts", "Named", "named_organisations", "visible_to"]
