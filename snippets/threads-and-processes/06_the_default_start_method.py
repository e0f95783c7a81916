"""How multiprocessing starts its children here: fork copies the pools."""

import multiprocessing
import sys

print(sys.version_info[:2])
#> (3, 11)
print(multiprocessing.get_start_method())  # <- what Pool and Process use
#> fork
print(multiprocessing.get_all_start_methods())
#> ['fork', 'spawn', 'forkserver']
