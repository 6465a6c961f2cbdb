from snab_kit.cli import service_main
from snab_parser.main import build
from snab_parser.settings import ParserSettings


def main() -> None:
    service_main(
        prog="snab_parser",
        settings=ParserSettings,
        run=lambda settings: build(settings).run(),  # type: ignore[arg-type]
        migrations="snab_parser.migrations",
    )


if __name__ == "__main__":
    main()
