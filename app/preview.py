"""`POST /api/preview`: what an embed shows before anyone plays it, with no session kept.

An embed on a page (a blog post, /learn) draws its network from this one answer, the state and
the first frame of the link it was given, and opens its WebSocket only when it is played: a
reader who scrolls past ten figures costs ten small answers, not ten sessions.
"""

import base64
from typing import Any

from app import protocol
from app.config import InputError
from app.session import Session
from app.settings import Settings

# Previews a client address may ask for per connection it may open: a page of figures (/learn has
# eleven) asks for one per figure as it comes into view, and a class behind one address opens it
# at once. A preview costs a few milliseconds and keeps nothing.
PREVIEWS_PER_CONNECTION = 12


def preview(settings: Settings, text: str) -> dict[str, Any]:
    """The state and the first frame (base64) a `link` message would give a new session, and
    what of the link was ignored. InputError when the text is no `link` message."""
    message = protocol.parse(text, settings.max_message_bytes)
    if not isinstance(message, protocol.Link):
        raise InputError("type", "a preview is of a link: the type must be 'link'")
    session = Session(settings)
    reply = session.handle(message)
    ignored = [m["ignored"] for m in reply.messages if m["type"] == "link_ignored"]
    return {
        "state": session.state_message(),
        "frame": base64.b64encode(session.frame()).decode("ascii"),
        "ignored": ignored[0] if ignored else [],
    }
