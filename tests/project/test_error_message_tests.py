"""The fixture that error-message tests use checks the stable parts of a message, and can fail."""
import pytest


def test_raises_naming_passes_when_the_message_names_every_part(raises_naming):
    with raises_naming(ValueError, "got (2, 4)", "expected (2, 3)") as caught:
        raise ValueError("x: expected (2, 3) (B, D), got (2, 4)")
    assert caught.type is ValueError


def test_raises_naming_fails_when_a_part_is_missing(raises_naming):
    with pytest.raises(AssertionError, match=r"does not name \['got \(2, 5\)'\]"):
        with raises_naming(ValueError, "expected (2, 3)", "got (2, 5)"):
            raise ValueError("x: expected (2, 3), got (2, 4)")


def test_raises_naming_fails_on_another_exception_type(raises_naming):
    with pytest.raises(TypeError):
        with raises_naming(ValueError, "anything"):
            raise TypeError("anything")
