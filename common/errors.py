"""The one exception for a refused action, whatever the app: every domain error derives from it,
so views and the admin can turn any of them into form errors or messages the same way."""

from django.utils.functional import Promise


class DomainError(Exception):
    """An action the rules refuse. `messages` lists every reason, in the user's language;
    `code` names the refusal for code that must tell refusals apart (empty when none does)."""

    def __init__(self, messages, *, code: str = ""):
        if isinstance(messages, str | Promise):  # one message, possibly a lazy translation
            messages = [messages]
        self.messages = [str(message) for message in messages]
        self.code = code
        super().__init__("; ".join(self.messages))
