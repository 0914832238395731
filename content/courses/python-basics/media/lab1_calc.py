# Lab 1 — calc.py
# Fill in the gaps marked with ... and run:  python calc.py

name = input("Your name: ")
print(...)  # greet the user by name, e.g. "Hello, Aru!"

a = int(input("First whole number: "))
b = ...     # read the second whole number the same way

print(f"{a} + {b} = {a + b}")
# print the difference, product, quotient (/), integer quotient (//)
# and remainder (%) in the same style, one per line
...

# Experiment: run the program with b = 0, then type letters instead of a number.
# Write down the error messages here as comments:
#
