from snab_gateway.main import run
from snab_gateway.settings import GatewaySettings
from snab_kit.cli import service_main


def main() -> None:
    service_main(
        prog="snab_gateway",
        settings=GatewaySettings,
        run=run,  # type: ignore[arg-type]
        migrations="snab_gateway.migrations",
    )


if __name__ == "__main__":
    main()
