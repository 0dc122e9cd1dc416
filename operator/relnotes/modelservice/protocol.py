"""OpenAI wire shapes the model-service writes: completions, stream chunks and errors.

Kept apart from the routes so the shapes are checked once, by the real ``openai`` SDK in tests.
"""

import time
import uuid
from typing import Any

from relnotes.models.chat import ChatReply
from relnotes.services.prompt import PROMPT_VERSION

__all__ = ["completion_body", "error_body", "stream_chunks"]


def _envelope(reply: ChatReply, kind: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": kind,
        "created": int(time.time()),
        "model": reply.model,
        "system_fingerprint": f"relnotes-{PROMPT_VERSION}",
        "provider": reply.provider,
        "fallback_reason": reply.fallback_reason,
    }


def completion_body(reply: ChatReply) -> dict[str, Any]:
    """A ``chat.completion`` object, plus relnotes' ``provider`` and ``fallback_reason``."""
    usage = reply.usage
    return {
        **_envelope(reply, "chat.completion"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
        },
    }


def stream_chunks(reply: ChatReply) -> list[dict[str, Any]]:
    """The reply as ``chat.completion.chunk`` events: role, content, then the finish."""
    head = _envelope(reply, "chat.completion.chunk")
    deltas: list[tuple[dict[str, str], str | None]] = [
        ({"role": "assistant", "content": ""}, None),
        ({"content": reply.content}, None),
        ({}, reply.finish_reason),
    ]
    return [
        {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        for delta, finish in deltas
    ]


def error_body(message: str, kind: str, code: str, param: str | None = None) -> dict[str, Any]:
    """An OpenAI-shaped error object, which the SDK turns into a typed exception."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}
