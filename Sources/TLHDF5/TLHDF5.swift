// Module TLHDF5: see the files beside this one.
