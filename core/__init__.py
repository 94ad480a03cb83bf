"""serverless-ml's core: the models and analyses, with no web framework or cloud SDK in it.

Nothing heavy is imported here: adapters import the submodule they need, and the heavy libraries
(scikit-learn, pandas, matplotlib, plotly, tweepy) load only inside the functions that use them.
"""

__version__ = "0.1.0"
