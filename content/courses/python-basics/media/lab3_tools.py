# Lab 3 — save as tools.py


def is_even(n):
    """True if n is even, otherwise False."""
    ...


def max_of_three(a, b, c):
    """The largest of a, b and c, without the built-in max()."""
    ...


def c_to_f(c):
    """Degrees Celsius to Fahrenheit: F = C * 9 / 5 + 32."""
    ...


if __name__ == "__main__":
    # These checks run only when the file itself is run: python tools.py
    assert is_even(4) is True
    assert is_even(7) is False
    assert max_of_three(1, 5, 3) == 5
    assert max_of_three(-2, -8, -1) == -1
    assert c_to_f(0) == 32
    assert c_to_f(100) == 212
    print("All checks passed")
