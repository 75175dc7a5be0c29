"""Skills: what people use an assistant for, one module each, all shaped alike (see base.py)."""
