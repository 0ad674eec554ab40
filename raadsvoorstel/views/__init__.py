"""The pages, split by noun like the models and actions."""
