# 3-зертханалық жұмыс — tools.py деп сақтаңыз


def is_even(n):
    """n жұп болса True, әйтпесе False."""
    ...


def max_of_three(a, b, c):
    """a, b және c сандарының ең үлкені, кірістірілген max() функциясынсыз."""
    ...


def c_to_f(c):
    """Цельсий градусын Фаренгейтке айналдыру: F = C * 9 / 5 + 32."""
    ...


if __name__ == "__main__":
    # Бұл тексерулер файлдың өзі іске қосылғанда ғана орындалады: python tools.py
    assert is_even(4) is True
    assert is_even(7) is False
    assert max_of_three(1, 5, 3) == 5
    assert max_of_three(-2, -8, -1) == -1
    assert c_to_f(0) == 32
    assert c_to_f(100) == 212
    print("Барлық тексеруден өтті")
