# Лабораторная работа 3 — сохраните как tools.py


def is_even(n):
    """True, если n чётное, иначе False."""
    ...


def max_of_three(a, b, c):
    """Наибольшее из a, b и c, без встроенной max()."""
    ...


def c_to_f(c):
    """Градусы Цельсия в Фаренгейты: F = C * 9 / 5 + 32."""
    ...


if __name__ == "__main__":
    # Эти проверки выполняются, только когда запущен сам файл: python tools.py
    assert is_even(4) is True
    assert is_even(7) is False
    assert max_of_three(1, 5, 3) == 5
    assert max_of_three(-2, -8, -1) == -1
    assert c_to_f(0) == 32
    assert c_to_f(100) == 212
    print("Все проверки пройдены")
