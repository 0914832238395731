# Lab 2 — guess the number
from random import randint

secret = randint(1, 100)   # a random whole number from 1 to 100
tries = 0

while True:
    guess = int(input("Your guess: "))
    tries += 1
    # compare guess with secret:
    #   too small -> print("Higher"), too big -> print("Lower")
    #   equal     -> print how many tries it took and stop the loop with break
    ...

# Extra: the multiplication table from 1 to 9
# for i in range(1, 10):
#     for j in range(1, 10):
#         ...
