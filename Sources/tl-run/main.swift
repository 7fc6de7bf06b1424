print("tl-run")
