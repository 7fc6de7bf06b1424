// Module TLIO: see the files beside this one.
