from snab_kit.cli import service_main
from snab_orders.main import build
from snab_orders.settings import OrdersSettings


def main() -> None:
    service_main(
        prog="snab_orders",
        settings=OrdersSettings,
        run=lambda settings: build(settings).run(),  # type: ignore[arg-type]
        migrations="snab_orders.migrations",
    )


if __name__ == "__main__":
    main()
