"""The heavy stack: embeddings and discovery in stages (neighbours, layouts, clustering,
consensus, placement, naming, projection).

numpy, torch, UMAP and HDBSCAN are imported inside the functions that use them, so
commands that never cluster start light.
"""
