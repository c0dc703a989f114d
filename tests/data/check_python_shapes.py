"""Checks that the bodies in python_operations.json are what the Python SDK
0.2.0 accepts: each body with a Python model is validated by that model.

Run in a Python 3.10 venv with `pip install phala-cloud==0.2.0`:
    python tests/data/check_python_shapes.py
The operations the Python SDK reads loosely (no model) are not checked
here; their bodies follow the spec's own schemas.
"""
import json
import pathlib

from phala_cloud.models.auth import CurrentUserV20251028, CurrentUserV20260121
from phala_cloud.models.cvms import IsAllowedResultV20260121, IsAllowedResultV20260522
from phala_cloud.models.kms import ListKmsContractNodesResponse
from phala_cloud.models.nodes import (
    AvailableNodes,
    CvmCreateResourceGraphV20260121,
    CvmCreateResourceGraphV20260522,
)
from phala_cloud.models.os_images import GetOsImagesResponse

MODELS = {
    "get_current_user": CurrentUserV20260121,
    "get_current_user_2025_10_28": CurrentUserV20251028,
    "check_cvm_is_allowed": IsAllowedResultV20260522,
    "check_cvm_is_allowed_2026_01_21": IsAllowedResultV20260121,
    "get_available_nodes": AvailableNodes,
    "get_cvm_create_resources": CvmCreateResourceGraphV20260522,
    "get_cvm_create_resources_2026_01_21": CvmCreateResourceGraphV20260121,
    "get_os_images": GetOsImagesResponse,
    "list_kms_contract_nodes": ListKmsContractNodesResponse,
}

bodies = json.loads((pathlib.Path(__file__).parent / "python_operations.json").read_text())
for name, model in MODELS.items():
    model.model_validate(bodies[name])
    print(f"ok  {name}: {model.__name__}")
