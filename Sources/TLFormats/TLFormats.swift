// Module TLFormats: see the files beside this one.
