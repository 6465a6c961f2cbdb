pytest_plugins = ["snab_kit.testing"]
