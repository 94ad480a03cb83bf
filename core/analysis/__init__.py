"""Tweet analyses: analysis specs, the tweets they read, the charts they draw and the use cases.

``service`` is what adapters call; ``analyses/`` holds one module per analysis; ``tweets/`` and
``charts/`` know nothing of a particular analysis and never import the layer above them. Nothing here
imports ``core.prediction``.
"""
