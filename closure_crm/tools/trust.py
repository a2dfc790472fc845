"""Trusted context keys: how a workflow method tells the model guards that
the write it is about to make passed its checks.

A context key alone proves nothing: a client sends any context it likes over
JSON-RPC or XML-RPC. The value of a trusted key is therefore an instance of a
private ``str`` subclass, which server code can make and JSON never yields (a
client's context holds plain strings). It survives copies of the context and
reads as an ordinary string in logs, but never compares equal to a plain
string: Odoo hands out the existing environment whose context compares equal
(``api.Environment.__new__``), and a client's context must not be given the
trusted environment the server made in the same transaction.
"""


class _TrustedFlag(str):
    """A context value only server code can create."""
    __slots__ = ()

    def __eq__(self, other):
        return isinstance(other, _TrustedFlag) and str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


TRUSTED = _TrustedFlag('closure-trusted')


def trusted(*keys):
    """Context values marking ``keys`` as trusted, for ``with_context(**...)``."""
    return {key: TRUSTED for key in keys}


def is_trusted(env, key):
    """True when ``key`` was set in ``env``'s context by server code."""
    return isinstance(env.context.get(key), _TrustedFlag)
