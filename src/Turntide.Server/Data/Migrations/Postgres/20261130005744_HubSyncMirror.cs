using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Turntide.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HubSyncMirror : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Origin",
                table: "banks",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "hub_sync_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Checkpoint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    LastSyncAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastResyncAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ItemsApplied = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_sync_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "match_flood_counts",
                columns: table => new
                {
                    ContentId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Minute = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Matches = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_match_flood_counts", x => new { x.ContentId, x.OrganisationId, x.Minute });
                    table.ForeignKey(
                        name: "FK_match_flood_counts_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_bank_contents_BankId_Id",
                table: "bank_contents",
                columns: new[] { "BankId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_match_flood_counts_Minute",
                table: "match_flood_counts",
                column: "Minute");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hub_sync_state");

            migrationBuilder.DropTable(
                name: "match_flood_counts");

            migrationBuilder.DropIndex(
                name: "IX_bank_contents_BankId_Id",
                table: "bank_contents");

            migrationBuilder.DropColumn(
                name: "Origin",
                table: "banks");
        }
    }
}
