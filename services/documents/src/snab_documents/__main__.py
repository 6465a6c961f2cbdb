from snab_documents.main import build
from snab_documents.settings import DocumentsSettings
from snab_kit.cli import service_main


def main() -> None:
    service_main(
        prog="snab_documents",
        settings=DocumentsSettings,
        run=lambda settings: build(settings).run(),  # type: ignore[arg-type]
        migrations="snab_documents.migrations",
    )


if __name__ == "__main__":
    main()
