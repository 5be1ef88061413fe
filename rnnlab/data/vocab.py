"""The course's one vocabulary: tokens <-> ids, padded batches, and which positions are real.

Every task that turns text into ids uses :class:`Vocab`: characters for the language models
(02, 07, 11, 12), names (06), dates and reversed strings (08, 09), numbers as tokens (10) and
Python tokens for tagging (05). A vocabulary holds the special tokens it is asked for first,
always in the order ``<pad> <bos> <eos> <unk>``, then its ordinary tokens::

    Vocab.from_text("hello")                            ids: e=0 h=1 l=2 o=3       (a char LM's)
    Vocab.from_text("hello", pad=True)                  <pad>=0, e=1 ...            (names)
    Vocab.from_text("hello", pad=True, bos=True, eos=True)  <pad>=0 <bos>=1 <eos>=2, e=3 ...  (seq2seq)
    Vocab.from_counts(lines, pad=True, unk=True)        <pad>=0 <unk>=1, then by falling count (tagging)

So padding is id :data:`PAD` = 0 in every vocabulary that pads, and a seq2seq vocabulary always
has :data:`BOS` = 1 and :data:`EOS` = 2. Targets that are not token ids (tags, pointer positions)
are padded with :data:`IGNORE` = -100, ``torch.nn.functional.cross_entropy``'s ``ignore_index``.

Padded batches come with their lengths; :func:`valid_mask` turns lengths into the ``(B, T)`` mask
that is True at the real positions (the one place rnnlab does so).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable

import numpy as np

from rnnlab.checks import ArgumentKindError, as_ids, check_bool, check_int

#: Id of ``<pad>`` in every vocabulary that has one; also the ``padding_idx`` of the embeddings.
PAD = 0
#: Ids of ``<bos>`` and ``<eos>``: a vocabulary that has them also pads, so they always follow ``<pad>``.
BOS, EOS = 1, 2
#: The target of positions that carry no label (padding of tags and pointer positions, untagged tokens).
IGNORE = -100
#: The special tokens, in the order they take the first ids.
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")


class Vocab:
    """Tokens <-> ids: the special tokens asked for, in the order of :data:`SPECIALS`, then ``tokens``.

    tokens: the ordinary tokens in id order (characters, words, ...), distinct, none of them special.
    pad/bos/eos/unk: which special tokens to hold; ``bos`` and ``eos`` come together and with ``pad``
        (a vocabulary that marks sequence ends also pads batches), so they are always ids 1 and 2.
        With ``unk``, unknown tokens encode to ``<unk>``; without it they raise a ``ValueError``.
    advice: what the error for unknown tokens tells the user to do.
    """

    def __init__(self, tokens, *, pad: bool = False, bos: bool = False, eos: bool = False, unk: bool = False,
                 advice: str = "Build the vocabulary from data that contains them, or remove them."):
        _check_tokens("Vocab", tokens)
        tokens = list(tokens)
        if bos != eos or (bos and not pad):
            raise ValueError(f"Vocab: expected bos and eos together and with pad (so that <pad>, <bos>, <eos> "
                             f"are ids 0, 1, 2), got pad={pad}, bos={bos}, eos={eos}")
        if len(set(tokens)) != len(tokens):
            repeated = sorted(t for t, c in Counter(tokens).items() if c > 1)[:5]
            raise ValueError(f"Vocab: expected distinct tokens, got repeats: {repeated}")
        special = [t for t in tokens if t in SPECIALS]
        if special:
            raise ValueError(f"Vocab: the special tokens {special} are added by pad/bos/eos/unk; "
                             f"expected ordinary tokens only")
        wanted = dict(zip(SPECIALS, (pad, bos, eos, unk)))
        self.specials = tuple(s for s in SPECIALS if wanted[s])
        self.tokens = tokens
        self.itos = list(self.specials) + tokens
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.advice = advice

    @classmethod
    def from_text(cls, text: str, **specials) -> "Vocab":
        """Every character that occurs in ``text``, in sorted order (the same text, the same ids)."""
        if not isinstance(text, str):
            raise TypeError(f"Vocab.from_text: expected a str, got {type(text).__name__}")
        if not text:
            raise ValueError("Vocab.from_text: the text is empty; expected at least one character")
        return cls(sorted(set(text)), **specials)

    @classmethod
    def from_counts(cls, sequences, max_size: int | None = None, min_count: int = 1, **specials) -> "Vocab":
        """The tokens of ``sequences`` seen at least ``min_count`` times, by falling count (ties by name),
        at most ``max_size`` ids in all (special tokens included)."""
        if not isinstance(sequences, Iterable):
            raise ArgumentKindError(f"Vocab.from_counts: expected sequences of tokens, got {type(sequences).__name__}")
        sequences = list(sequences)
        if not sequences:
            raise ValueError("Vocab.from_counts: expected at least one sequence, got none")
        if max_size is not None:
            max_size = check_int("max_size", max_size, 0, what="ids in all, specials included; or None")
        min_count = check_int("min_count", min_count, 1, what="the fewest times a kept token occurs")
        for k, seq in enumerate(sequences):
            _check_tokens(f"Vocab.from_counts: sequence {k}", seq)
        counts = Counter(t for seq in sequences for t in seq)
        kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
        vocab = cls([], **specials)
        room = None if max_size is None else max(0, max_size - len(vocab.specials))
        return cls(kept[:room], **specials, advice=vocab.advice)

    def __len__(self) -> int:
        return len(self.itos)

    def __repr__(self) -> str:
        shown = ", ".join(repr(t) for t in self.itos[:8]) + (", ..." if len(self) > 8 else "")
        return f"Vocab({len(self)} ids: {shown})"

    def _special_id(self, token: str) -> int:
        if token not in self.stoi:
            raise ValueError(f"Vocab: this vocabulary has no {token} token (its specials: {list(self.specials)})")
        return self.stoi[token]

    pad_id = property(lambda self: self._special_id("<pad>"), doc="The id of ``<pad>`` (always 0).")
    bos_id = property(lambda self: self._special_id("<bos>"), doc="The id of ``<bos>`` (always 1).")
    eos_id = property(lambda self: self._special_id("<eos>"), doc="The id of ``<eos>`` (always 2).")
    unk_id = property(lambda self: self._special_id("<unk>"), doc="The id of ``<unk>``.")

    def check_known(self, tokens, what: str = "Vocab.encode", vocabulary: str = "the vocabulary",
                    advice: str | None = None) -> None:
        """Raise ``ValueError`` naming every token of ``tokens`` that is not in the vocabulary.

        The one place rnnlab checks for unknown tokens; callers name what they were given
        (``what``, e.g. ``"prompt"``), whose vocabulary it is, and may say what to do (``advice``).
        """
        _check_tokens(what, tokens)
        unknown = set(tokens) - self.stoi.keys()
        try:
            unknown = sorted(unknown)
        except TypeError:  # tokens of different kinds (str and int) do not compare
            unknown = sorted(unknown, key=repr)
        if unknown:
            kind = "character(s)" if isinstance(tokens, str) else "token(s)"
            shown = ", ".join(repr(t) for t in unknown[:10])
            hint = ""
            if not isinstance(tokens, str) and all(isinstance(t, str) and len(t) > 1 for t in unknown) \
                    and all(len(t) == 1 for t in self.tokens):
                hint = " (These are whole texts and the vocabulary holds characters: encode_batch encodes a batch of texts.)"
            if all(_looks_like_id(t) for t in unknown) and not any(_looks_like_id(t) for t in self.tokens):
                hint = " (These look like ids, already encoded: decode turns ids back into tokens.)"
            raise ValueError(f"{what}: {len(unknown)} {kind} not in {vocabulary} of {len(self)}: {shown}. "
                             f"{advice or self.advice}{hint}")

    def encode(self, tokens, what: str = "Vocab.encode", vocabulary: str = "the vocabulary",
               advice: str | None = None) -> np.ndarray:
        """Ids of ``tokens`` (a str is a sequence of characters), shape ``(len(tokens),)``, int64.

        Unknown tokens become ``<unk>`` if the vocabulary has it, else raise ``ValueError``; tokens that
        are not a sequence of hashable tokens (None, an int, nested lists) raise ``TypeError``.
        """
        _check_tokens(what, tokens)
        if not isinstance(tokens, str) and not hasattr(tokens, "__len__"):
            tokens = list(tokens)  # a generator: read once here, not used up by the check below
        if "<unk>" in self.stoi:
            unk = self.stoi["<unk>"]
            return np.fromiter((self.stoi.get(t, unk) for t in tokens), dtype=np.int64)
        self.check_known(tokens, what, vocabulary, advice)
        return np.fromiter((self.stoi[t] for t in tokens), dtype=np.int64)

    def encode_batch(self, sequences, bos: bool = False, eos: bool = False, what: str | None = None,
                     vocabulary: str = "the vocabulary", advice: str | None = None):
        """Sequences -> ids ``(B, T_max)`` torch.int64 padded with :data:`PAD`, lengths ``(B,)`` int64.

        ``bos``/``eos`` put ``<bos>``/``<eos>`` around every sequence (and count in its length). A str
        is one sequence. ``ValueError`` for an empty batch, an empty sequence or unknown tokens; the
        message starts with ``what`` (the caller's name for the input, e.g. ``"the name"``), then the
        sequence; ``vocabulary`` and ``advice`` go to :meth:`check_known`.
        """
        import torch

        caller = (what or "Vocab.encode_batch").rstrip(":")
        if isinstance(sequences, str):
            sequences = [sequences]
        if not isinstance(sequences, Iterable):
            raise ArgumentKindError(f"{caller}: expected sequences (a list of str or of token lists), "
                                    f"got {type(sequences).__name__} {sequences!r:.40}")
        sequences = list(sequences)
        bos, eos = check_bool("bos", bos), check_bool("eos", eos)
        if not sequences:
            raise ValueError(f"{caller}: expected at least one sequence, got none")
        pad = self.pad_id
        front = [self.bos_id] if bos else []
        back = [self.eos_id] if eos else []
        rows = []
        for k, seq in enumerate(sequences):
            if not hasattr(seq, "__len__"):
                raise ArgumentKindError(f"{caller}: expected every sequence to be a str or a list of tokens, got "
                                        f"{type(seq).__name__} {seq!r:.40} at index {k}")
            if len(seq) == 0:
                raise ValueError(f"{caller}: expected every sequence non-empty (a str or a list of tokens), "
                                 f"got {seq!r} at index {k}")
            label = f"{seq!r}" if len(sequences) == 1 else f"sequence {k} {seq!r}"
            label = f"{what} {label}" if what else label
            rows.append(front + self.encode(seq, label, vocabulary, advice).tolist() + back)
        lengths = torch.tensor([len(r) for r in rows], dtype=torch.int64)
        ids = torch.full((len(rows), int(lengths.max())), pad, dtype=torch.int64)
        for b, r in enumerate(rows):
            ids[b, :len(r)] = torch.tensor(r, dtype=torch.int64)
        return ids, lengths

    def decode(self, ids, sep: str = "") -> str:
        """Ids of one sequence -> text: tokens joined by ``sep``, stopping at the first ``<eos>`` and
        skipping ``<pad>`` and ``<bos>``.

        ids: integers of shape (L,) or (1, L): a list, NumPy array or tensor (one int is one id).
        ``TypeError`` for a str, floats or bools; ``ValueError`` for a batch of several rows (decode
        it row by row) and for an id outside ``[0, len(vocab))``, named with its position (never dropped).
        """
        if not isinstance(sep, str):
            raise ArgumentKindError(f"Vocab.decode: expected sep to be a str (put between tokens), "
                                    f"got {type(sep).__name__} {sep!r}")
        hint = "; to turn text into ids use encode" if isinstance(ids, str) else ""
        ids = as_ids("Vocab.decode", ids, hint=hint, check_range=False)
        if ids.ndim == 2 and ids.shape[0] == 1:
            ids = ids[0]  # one sequence as a batch of one, (1, L)
        if ids.ndim > 1:
            raise ValueError(f"Vocab.decode: expected the ids of one sequence, shape (L,) or (1, L), got shape "
                             f"{ids.shape}; decode a batch row by row: [vocab.decode(row) for row in ids]")
        ids = as_ids("Vocab.decode", ids.ravel(), len(self))
        out = []
        for i in ids.tolist():
            token = self.itos[i]
            if token == "<eos>":
                break
            if token not in ("<pad>", "<bos>"):
                out.append(token)
        return sep.join(out)


def _looks_like_id(token) -> bool:
    """An int (Python, NumPy or a 0-d tensor), as an encoded token would be."""
    import numbers

    return (isinstance(token, numbers.Integral) and not isinstance(token, bool)) or \
        (getattr(token, "ndim", None) == 0 and not getattr(token, "is_floating_point", lambda: True)())


def _check_tokens(name: str, tokens) -> None:
    """Raise ``TypeError`` unless ``tokens`` is a str or a sequence of hashable tokens (str, int, ...)."""
    if isinstance(tokens, str):
        return
    if tokens is None or not isinstance(tokens, Iterable):
        raise ArgumentKindError(f"{name}: expected tokens, a str or a list of tokens, got {type(tokens).__name__} "
                                f"{tokens!r:.40}")
    if hasattr(tokens, "__len__"):  # not a one-shot iterator, which this look would use up
        for k, token in enumerate(tokens):
            if not isinstance(token, Hashable) or isinstance(token, (list, np.ndarray)):
                raise ArgumentKindError(f"{name}: expected tokens, a str or a list of tokens (str), got a "
                                        f"{type(token).__name__} {token!r:.40} at position {k}; one sequence is "
                                        f"one flat list (encode_batch takes a list of them)")


def valid_mask(lengths, T: int | None = None):
    """``(B, T)`` bool, True at the real positions ``t < lengths[b]``, False at padding.

    lengths: ``(B,)`` integer tensor, each in 1..T; T defaults to the longest length.
    """
    import torch

    from rnnlab.checks import LengthError, check_lengths

    lengths = torch.as_tensor(lengths)
    if lengths.ndim != 1 or lengths.numel() == 0:
        raise LengthError(f"lengths: expected a non-empty 1-D tensor (B,), got shape {tuple(lengths.shape)}")
    T = int(lengths.max()) if T is None else T
    check_lengths("lengths", lengths, lengths.shape[0], T)
    return torch.arange(T, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)
