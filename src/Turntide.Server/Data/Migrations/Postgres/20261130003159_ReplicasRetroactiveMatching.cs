using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Turntide.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReplicasRetroactiveMatching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "retro_kept_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SignalType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    KeptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retro_kept_signals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "retro_matches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SignalType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Signal = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ContentId = table.Column<Guid>(type: "uuid", nullable: false),
                    BankId = table.Column<Guid>(type: "uuid", nullable: false),
                    BankName = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Distance = table.Column<int>(type: "integer", nullable: false),
                    FoundAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AtUpload = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retro_matches", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_retro_kept_signals_KeptAt",
                table: "retro_kept_signals",
                column: "KeptAt");

            migrationBuilder.CreateIndex(
                name: "IX_retro_kept_signals_SignalType_Value",
                table: "retro_kept_signals",
                columns: new[] { "SignalType", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_retro_matches_FoundAt",
                table: "retro_matches",
                column: "FoundAt");

            migrationBuilder.CreateIndex(
                name: "IX_retro_matches_OrganisationId_AtUpload_Id",
                table: "retro_matches",
                columns: new[] { "OrganisationId", "AtUpload", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_retro_matches_OrganisationId_Reference_ContentId",
                table: "retro_matches",
                columns: new[] { "OrganisationId", "Reference", "ContentId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "retro_kept_signals");

            migrationBuilder.DropTable(
                name: "retro_matches");
        }
    }
}
