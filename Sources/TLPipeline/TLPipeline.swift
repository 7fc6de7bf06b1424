// Module TLPipeline: see the files beside this one.
