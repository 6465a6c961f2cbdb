from snab_kit.cli import service_main
from snab_notifier.main import build
from snab_notifier.settings import NotifierSettings


def main() -> None:
    service_main(
        prog="snab_notifier",
        settings=NotifierSettings,
        run=lambda settings: build(settings).run(),  # type: ignore[arg-type]
        migrations="snab_notifier.migrations",
    )


if __name__ == "__main__":
    main()
