import pandas as pd

# A stand-in for a real pipeline step: build a small table and show it.
df = pd.DataFrame({"A": [1, 2], "B": [3, 4]})

print(df)
