"""Tag the names of Python source by their role — a role decided by the token that comes *next*.

Every logical line of Python code is a sequence of tokens (Python's own ``tokenize``).
Each NAME token that is not a keyword gets one of four tags, read off the token after it:

    call       followed by "("       len(x)      print(...)
    owner      followed by "."       self.x      os.path
    assigned   followed by "="       total = 0   (keyword arguments f(key=1) too)
    other      anything else         x + y       for name in ...

Every other token (keywords, operators, numbers, strings) has no tag (:data:`IGNORE`)
and counts neither in the loss nor in the scores. A left-to-right tagger must answer
at a name before it has read the next token; a bidirectional one has read it::

    lines = python_lines(load_python_source(("textwrap.py",)))   # list of TaggedLine
    vocab = tagging_vocabulary(lines)                            # <pad> = 0, <unk> = 1, then by count
    x, y, lengths = pad_batch(lines[:8], vocab)                  # (B, T), (B, T), (B,)
"""
from __future__ import annotations

import io
import keyword
import tokenize
from dataclasses import dataclass

import torch

from rnnlab.checks import check_generator, check_int, check_records
from rnnlab.data.vocab import IGNORE, Vocab

#: The tags, in the order of the model's outputs.
TAGS = ("other", "call", "owner", "assigned")

_NEXT_TAG = {"(": "call", ".": "owner", "=": "assigned"}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
         tokenize.ENDMARKER, tokenize.TYPE_COMMENT}


@dataclass
class TaggedLine:
    """One logical line: ``tokens`` as the model reads them, ``tags`` (a tag or ``None`` each)."""

    tokens: list[str]
    tags: list


def _shown(tok: tokenize.TokenInfo) -> str:
    if tok.type == tokenize.NUMBER:
        return "<num>"
    if tok.type == tokenize.STRING:
        return "<str>"
    return tok.string


# Python 3.12 tokenizes an f-string into pieces (FSTRING_START, its text, the names inside its
# braces, FSTRING_END) where 3.11 gives one STRING token; 3.14 does the same for t-strings.
# python_lines folds every such run back into one STRING, so each Python gives the same lines.
_STRING_START = {getattr(tokenize, n) for n in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, n)}
_STRING_END = {getattr(tokenize, n) for n in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, n)}


def _is_name(tok: tokenize.TokenInfo) -> bool:
    return tok.type == tokenize.NAME and not keyword.iskeyword(tok.string)


def python_lines(source: str, max_len: int | None = None) -> list[TaggedLine]:
    """The logical lines of ``source`` as :class:`TaggedLine` s, in order.

    Numbers become ``<num>``, strings ``<str>`` (an f-string is one ``<str>``, whatever is in
    its braces, as Python 3.11 tokenizes it, on every Python); comments, blank lines and
    indentation are dropped. The tag of a name is read from the next token of the *same* logical line (a
    name that ends its line is ``other``). Lines longer than ``max_len`` tokens are left out.

    Raises:
        TypeError: ``source`` is not a str.
        ValueError: ``source`` holds no tokens, or cannot be tokenized (the error says where).
    """
    if not isinstance(source, str):
        raise TypeError(f"python_lines: expected Python source as a str, got {type(source).__name__}")
    if max_len is not None:
        max_len = check_int("max_len", max_len, 1, expected="an int >= 1 or None", fn="python_lines")
    lines, current = [], []
    depth = 0                                       # how deep inside f-strings the token is
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _STRING_START:
                if depth == 0:
                    current.append(tok._replace(type=tokenize.STRING))
                depth += 1
                continue
            if depth:
                depth -= tok.type in _STRING_END
                continue
            if tok.type in _SKIP:
                continue
            if tok.type == tokenize.NEWLINE:
                if current:
                    lines.append(current)
                current = []
                continue
            current.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError) as err:
        raise ValueError(f"python_lines: could not tokenize the source ({err}); expected valid Python") from None
    if current:
        lines.append(current)
    result = []
    for toks in lines:
        tags = []
        for k, tok in enumerate(toks):
            if not _is_name(tok):
                tags.append(None)
                continue
            following = toks[k + 1].string if k + 1 < len(toks) and toks[k + 1].type == tokenize.OP else ""
            tags.append(_NEXT_TAG.get(following, "other"))
        if max_len is None or len(toks) <= max_len:
            result.append(TaggedLine([_shown(t) for t in toks], tags))
    if not result:
        raise ValueError("python_lines: the source holds no tokens (empty text?); expected some Python code")
    return result


def tagging_vocabulary(lines: list[TaggedLine], max_size: int = 2000, min_count: int = 2) -> Vocab:
    """``<pad>`` = 0, ``<unk>`` = 1, then the tokens seen at least ``min_count`` times in ``lines`` by
    falling count (ties by name), at most ``max_size`` ids in all."""
    lines = check_records("tagging_vocabulary", lines, TaggedLine, "line", "python_lines")
    return Vocab.from_counts((line.tokens for line in lines), max_size=max_size, min_count=min_count,
                             pad=True, unk=True)


def tag_ids(tags) -> list[int]:
    """Tags (names from :data:`TAGS` or ``None``) -> ids, ``None`` -> :data:`IGNORE`."""
    out = []
    for tag in tags:
        if tag is None:
            out.append(IGNORE)
        elif tag in TAGS:
            out.append(TAGS.index(tag))
        else:
            raise ValueError(f"tag_ids: expected tags from {TAGS} or None, got {tag!r}")
    return out


def pad_batch(lines: list[TaggedLine], vocab: Vocab):
    """Pad a list of lines into tensors.

    Returns ``x`` ``(B, T)`` int64 token ids (``PAD`` = 0 after each line's end), ``y`` ``(B, T)``
    int64 tag ids (``IGNORE`` on untagged tokens and padding), ``lengths`` ``(B,)`` int64;
    ``T`` is the longest line.
    """
    lines = check_records("pad_batch", lines, TaggedLine, "line", "python_lines")
    for k, line in enumerate(lines):
        if len(line.tokens) != len(line.tags) or not line.tokens:
            raise ValueError(f"pad_batch: line {k} has {len(line.tokens)} tokens and {len(line.tags)} tags; "
                             f"expected the same number, at least one")
    x, lengths = vocab.encode_batch([line.tokens for line in lines], what="pad_batch:")
    y = torch.full(x.shape, IGNORE, dtype=torch.int64)
    for b, line in enumerate(lines):
        y[b, : lengths[b]] = torch.tensor(tag_ids(line.tags), dtype=torch.int64)
    return x, y, lengths


def batches(lines: list[TaggedLine], vocab: Vocab, batch_size: int, generator: torch.Generator | None = None):
    """A callable ``step -> (x, y, lengths)``: a random batch of ``batch_size`` lines, padded."""
    lines = check_records("batches", lines, TaggedLine, "line", "python_lines")
    batch_size = check_int("batch_size", batch_size, 1, fn="batches")
    check_generator("batches: generator", generator)

    def batch(step):
        idx = torch.randint(0, len(lines), (batch_size,), generator=generator)
        return pad_batch([lines[i] for i in idx.tolist()], vocab)

    return batch
