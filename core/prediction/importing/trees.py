"""The tree importers' table: an estimator's public class path → its converter to a served form.

Part of the import command's table of converters; each library's converters live in their own module.
"""

from __future__ import annotations

from core.prediction.importing import hist_gradient_boosting, lightgbm_trees, sklearn_trees, xgboost_trees
from core.prediction.importing.table_types import Converter

TREE_CONVERTERS: dict[str, Converter] = {
    "sklearn.tree.DecisionTreeClassifier": sklearn_trees.decision_tree_classifier,
    "sklearn.tree.DecisionTreeRegressor": sklearn_trees.decision_tree_regressor,
    "sklearn.tree.ExtraTreeClassifier": sklearn_trees.decision_tree_classifier,
    "sklearn.tree.ExtraTreeRegressor": sklearn_trees.decision_tree_regressor,
    "sklearn.ensemble.RandomForestClassifier": sklearn_trees.forest_classifier,
    "sklearn.ensemble.RandomForestRegressor": sklearn_trees.forest_regressor,
    "sklearn.ensemble.ExtraTreesClassifier": sklearn_trees.forest_classifier,
    "sklearn.ensemble.ExtraTreesRegressor": sklearn_trees.forest_regressor,
    "sklearn.ensemble.HistGradientBoostingClassifier": hist_gradient_boosting.hist_gradient_boosting_classifier,
    "sklearn.ensemble.HistGradientBoostingRegressor": hist_gradient_boosting.hist_gradient_boosting_regressor,
    "xgboost.XGBClassifier": xgboost_trees.xgboost_model,
    "xgboost.XGBRegressor": xgboost_trees.xgboost_model,
    "xgboost.Booster": xgboost_trees.xgboost_model,
    "lightgbm.LGBMClassifier": lightgbm_trees.lightgbm_model,
    "lightgbm.LGBMRegressor": lightgbm_trees.lightgbm_model,
    "lightgbm.Booster": lightgbm_trees.lightgbm_model,
    "sklearn.ensemble.GradientBoostingClassifier": sklearn_trees.gradient_boosting_classifier,
    "sklearn.ensemble.GradientBoostingRegressor": sklearn_trees.gradient_boosting_regressor,
}
