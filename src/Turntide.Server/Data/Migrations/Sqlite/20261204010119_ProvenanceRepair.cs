using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Turntide.Server.Data.Migrations.Sqlite
{
    /// <summary>
    /// No schema change: its being applied marks the start-up at which the one-off provenance repair runs
    /// (Features/Contributions/ProvenanceRepair.cs), so it runs once per database.
    /// </summary>
    public partial class ProvenanceRepair : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
