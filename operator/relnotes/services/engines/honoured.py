"""What the deterministic engine can honour of a chat request, and the 400 for what it cannot.

An upstream gets every field as sent. The deterministic engine runs no model: sampling knobs
(``temperature``, ``top_p``, ``seed``, penalties) cannot change a rule-based draft, so they are
accepted, as a model at temperature 0 accepts them; anything that would change the reply's
shape or content (tools, several choices, stop sequences, log-probabilities, images) is refused
with a 400 naming the field, rather than answered as if it had been applied.
"""

from relnotes.models.chat import ChatRequest
from relnotes.models.errors import InvalidRequest

__all__ = ["refuse_unhonoured"]

# Fields that cannot change a deterministic draft, so a draft that ignores them is still honest.
_NO_EFFECT = frozenset(
    {
        "user",
        "metadata",
        "store",
        "service_tier",
        "stream_options",
        "parallel_tool_calls",
        "safety_identifier",
        "prompt_cache_key",
    }
)
_TOOL_CHOICES_WITHOUT_CALLS = ("none", "auto")


def _problem(request: ChatRequest) -> str | None:
    if request.n != 1:
        return "n: the deterministic engine writes one choice (n = 1)"
    if request.tools:
        return "tools: the deterministic engine does not call tools"
    if request.tool_choice is not None and request.tool_choice not in _TOOL_CHOICES_WITHOUT_CALLS:
        return "tool_choice: the deterministic engine does not call tools"
    if request.stop is not None:
        return "stop: the deterministic engine does not honour stop sequences"
    if request.logprobs or request.top_logprobs is not None:
        return "logprobs: the deterministic engine has no token probabilities"
    for field in request.model_extra or {}:
        if field not in _NO_EFFECT:
            return f"{field}: not supported by the deterministic engine (use an upstream model)"
    for i, message in enumerate(request.messages):
        if isinstance(message.content, list):
            for j, part in enumerate(message.content):
                if part.type != "text":
                    return (
                        f"messages.{i}.content.{j}.type: '{part.type}' parts are not read by "
                        "the deterministic engine (text only)"
                    )
    return None


def refuse_unhonoured(request: ChatRequest) -> None:
    """Raise InvalidRequest (400) naming the first field the deterministic engine cannot honour."""
    problem = _problem(request)
    if problem is not None:
        raise InvalidRequest(problem)
