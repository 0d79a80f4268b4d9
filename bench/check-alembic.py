# bench/check-alembic.mjs runs this: the issue 16 schema as SQLAlchemy tables, compared with the database by
# alembic.autogenerate.compare_metadata (what `alembic check` runs), compare_type on as in Alembic >= 1.12.
import sys
import alembic
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

url, n = sys.argv[1], int(sys.argv[2])
metadata = sa.MetaData()
for i in range(n):
    fk = [sa.ForeignKey(f"bench_{i - 1}.id", name=f"fk_bench_{i}_parent_id_bench_{i - 1}")] if i % 10 else []
    sa.Table(
        f"bench_{i}", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer, *fk),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("code", sa.String(20)),
        sa.Column("body", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("price", sa.Numeric(10, 2)),
        sa.Column("total", sa.BigInteger),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("day", sa.Date),
        sa.Column("rank", sa.SmallInteger),
        sa.Column("score", sa.REAL if url.startswith("postgresql") else sa.Float),
        sa.Index(f"ix_bench_{i}_name", "name"),
        sa.Index(f"ix_bench_{i}_created_rank", "created", "rank"),
        sa.UniqueConstraint("code", name=f"uq_bench_{i}_code"),
    )

def include_name(name, type_, parent_names):
    return not (type_ == "table" and name.startswith("strata_"))

engine = sa.create_engine(url)
with engine.connect() as conn:
    context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
    diffs = compare_metadata(context, metadata)
print(f"alembic {alembic.__version__}: {len(diffs)} differences")
for d in diffs[:5]:
    print(d)
