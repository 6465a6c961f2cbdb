import os

pytest_plugins = ["snab_kit.testing"]

# The exchange-rate job of orders never reaches the Central Bank from tests (the services
# they start inherit this): a test that needs CBR rates serves the file itself.
os.environ["CBR_RATES_URL"] = "off"
