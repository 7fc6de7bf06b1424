// Module TLCompare: see the files beside this one.
