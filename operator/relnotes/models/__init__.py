"""Domain models: the contract shared by the CRD, the model-service and storage."""

__all__: list[str] = []
