using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Turntide.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Taxonomy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "taxonomy_terms",
                columns: table => new
                {
                    Label = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Facet = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_taxonomy_terms", x => x.Label);
                });

            migrationBuilder.InsertData(
                table: "taxonomy_terms",
                columns: new[] { "Label", "Active", "CreatedAt", "Description", "Facet", "UpdatedAt" },
                values: new object[,]
                {
                    { "behaviour:financing", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Raises or moves money for an entity.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:glorification", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Glorifies an attack or an attacker.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:incitement", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Calls for violence.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:instruction", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Instructs in attack planning, weapons or explosives.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:recruitment", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Recruits members or supporters.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:threat", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Threatens violence against people or places.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:audio", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Audio only.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:image", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A still image.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:livestream", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A live broadcast or its recording.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:manifesto", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A manifesto or other long document by an attacker.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:publication", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A magazine, newsletter or other periodical.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:text", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Text, including posts and messages.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:url", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A link to content hosted elsewhere.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:video", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A recorded video.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:au", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A listed terrorist organisation in Australia.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:ca", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A listed terrorist entity in Canada.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:eu", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "On the EU terrorist list.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:uk", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Proscribed in the United Kingdom.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:un", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "On the UN Security Council consolidated sanctions list.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:us", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Designated by the United States (FTO or SDGT).", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "entity:unattributed", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "The producing entity is not known.", "entity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:crisis", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Crisis content: an attacker's manifesto, a livestream or recording of an attack.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:designated-entity", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Produced by or for an entity on a designation list.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:promotional", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Promotes a terrorist entity or its cause without depicting an attack.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:threat-to-life", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Imminent threat to someone's life: act at once.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) }
                });

            migrationBuilder.CreateIndex(
                name: "IX_taxonomy_terms_Facet",
                table: "taxonomy_terms",
                column: "Facet");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "taxonomy_terms");
        }
    }
}
